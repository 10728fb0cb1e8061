"""The inventory-py backend's logic: an Ansible INI inventory from the infrac IR.

Plain Python with no WebAssembly or WIT types, so it also runs and is tested with an ordinary
interpreter (``python3 -m unittest test_inventory``); ``app.py`` adapts it to the WIT world.

Output, ``inventory/hosts.ini``::

    [lyon]                              one group per site, sites in IR order
    admin2 ansible_host=192.168.20.10   hosts in IR order, the primary (first) address

    [role_admin]                        one group per role, sorted by group name; members
    admin1                              by name only (their variables are in the site group)

Group names are Ansible-safe: ``-`` becomes ``_``; anything else outside ``[A-Za-z0-9_]`` is an
error, never silently rewritten.
"""

import ipaddress
import json
import re

NAME = "inventory-py"
VERSION = "0.1.0"
TARGET = "inventory"
IR_VERSION = "0.1"
PATH = "inventory/hosts.ini"

ERROR, WARNING, NOTE = "error", "warning", "note"

_HOST_NAME = re.compile(r"[A-Za-z0-9_-]{1,63}\Z")
_DOMAIN = re.compile(r"[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*\Z")
_GROUP = re.compile(r"[A-Za-z0-9_]{1,64}\Z")


class Diagnostic:
    """A diagnostic as the contract has it: severity, code, message, JSON pointer."""

    __slots__ = ("severity", "code", "message", "ir_path")

    def __init__(self, severity, code, message, ir_path=""):
        self.severity = severity
        self.code = code
        self.message = message
        self.ir_path = ir_path

    def __repr__(self):
        return f"{self.severity}[{self.code}] at {self.ir_path or '/'}: {self.message}"


class Failure(Exception):
    """The model cannot be rendered exactly; carries at least one error diagnostic."""

    def __init__(self, diagnostics):
        super().__init__(diagnostics)
        self.diagnostics = diagnostics


def pointer(*parts):
    """A JSON pointer (RFC 6901) from path segments."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def shown(value, limit=80):
    """`value` for a message: repr-escaped (no raw control characters), shortened."""
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "`" + "".join(c if c.isprintable() else _escape(c) for c in text) + "`"


def _escape(c):
    # Not the `unicode_escape` codec: componentize-py's Python does not bundle it.
    n = ord(c)
    if c in "\n\t\r":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}[c]
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def check_request(target, unit):
    """Raises Failure unless (target, unit) is what this plugin renders."""
    if target != TARGET:
        raise Failure([Diagnostic(ERROR, "INVPY005",
                                  f"this plugin renders target `{TARGET}`, not {shown(target)}")])
    if unit != "":
        raise Failure([Diagnostic(ERROR, "INVPY005",
                                  f"this plugin renders the whole model (unit \"\"), not unit {shown(unit)}")])


class _Reader:
    """Typed access to the IR that records an error, instead of raising, for each bad field."""

    def __init__(self):
        self.diagnostics = []

    def error(self, code, message, path):
        self.diagnostics.append(Diagnostic(ERROR, code, message, path))

    def field(self, obj, key, kind, path, optional=False):
        """obj[key] if it has type `kind` (None if optional and null or missing), else an error."""
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            what = "missing field" if value is None else f"expected {kind.__name__}"
            self.error("INVPY003", what, pointer(*path, key))
            return None
        return value

    @property
    def failed(self):
        return any(d.severity == ERROR for d in self.diagnostics)


def group_name(kind, name, path, reader):
    """An Ansible group name for a site or role, or None (with an error) when it has none."""
    group = name.replace("-", "_")
    if not _GROUP.match(group):
        reader.error("INVPY004", f"{kind} {shown(name)} cannot be an Ansible group name", path)
        return None
    return group


def render(ir_text):
    """Returns (file contents as str, non-error diagnostics), or raises Failure."""
    try:
        model = json.loads(ir_text)
    except (ValueError, RecursionError) as e:
        raise Failure([Diagnostic(ERROR, "INVPY001", f"the IR is not valid JSON: {e}")])
    if not isinstance(model, dict):
        raise Failure([Diagnostic(ERROR, "INVPY003", "the IR is not a JSON object")])
    if model.get("ir_version") != IR_VERSION:
        raise Failure([Diagnostic(
            ERROR, "INVPY002",
            f"this plugin reads IR version {IR_VERSION}, not {shown(model.get('ir_version'))}",
            "/ir_version")])

    r = _Reader()
    domain = r.field(r.field(model, "project", dict, ()) or {}, "domain", str, ("project",))
    if domain is not None and not _DOMAIN.match(domain):
        r.error("INVPY004", f"domain {shown(domain)} is not a DNS name", "/project/domain")
    sites = r.field(model, "sites", list, ()) or []
    hosts = r.field(model, "hosts", list, ()) or []

    site_order = []
    for i, site in enumerate(sites):
        name = r.field(site, "name", str, ("sites", i))
        if name is not None:
            site_order.append(name)

    notes = []
    entries = []  # (name, line, site, role, index)
    for i, host in enumerate(hosts):
        name = r.field(host, "name", str, ("hosts", i))
        site = r.field(host, "site", str, ("hosts", i))
        role = r.field(host, "role", str, ("hosts", i), optional=True)
        addresses = r.field(host, "addresses", list, ("hosts", i))
        if name is None or site is None or addresses is None:
            continue
        if not _HOST_NAME.match(name):
            r.error("INVPY004", f"host name {shown(name)} cannot be written to an inventory",
                    pointer("hosts", i, "name"))
            continue
        if addresses:
            address = r.field(addresses[0], "address", str, ("hosts", i, "addresses", 0))
            if address is None:
                continue
            try:
                ipaddress.ip_address(address)
            except ValueError:
                r.error("INVPY004", f"address {shown(address)} is not an IP address",
                        pointer("hosts", i, "addresses", 0, "address"))
                continue
            line = f"{name} ansible_host={address}"
        else:
            notes.append(Diagnostic(WARNING, "INVPY011",
                                    f"host {shown(name)} has no address: Ansible will resolve its name",
                                    pointer("hosts", i, "addresses")))
            line = name
        entries.append((name, line, site, role, i))

    # Groups: sites in IR order (then any site the sites list lacks, sorted), roles sorted.
    groups = {}  # group name -> (kind, source name, [lines])
    order = []
    extra_sites = sorted({e[2] for e in entries} - set(site_order))
    for site in site_order + extra_sites:
        members = [e for e in entries if e[2] == site]
        if not members:
            continue
        g = group_name("site", site, pointer("hosts", members[0][4], "site"), r)
        if g is not None:
            groups[g] = ("site", site, [e[1] for e in members])
            order.append(g)
    role_groups = {}
    for e in entries:
        if e[3] is None:
            continue
        g = group_name("role", e[3], pointer("hosts", e[4], "role"), r)
        if g is None:
            continue
        g = "role_" + g
        if g in groups:
            r.error("INVPY006", f"role {shown(e[3])} gives group `{g}`, which site "
                    f"{shown(groups[g][1])} already is", pointer("hosts", e[4], "role"))
            continue
        role_groups.setdefault(g, []).append(e[0])
    for g in sorted(role_groups):
        groups[g] = ("role", g, role_groups[g])
        order.append(g)

    if r.failed:
        raise Failure(r.diagnostics)

    out = [
        f"# Ansible inventory for {domain}, generated by infrac (plugin {NAME} {VERSION}).",
        "# Do not edit: change the model and rebuild.",
    ]
    for g in order:
        out.append("")
        out.append(f"[{g}]")
        out.extend(groups[g][2])
    return "\n".join(out) + "\n", r.diagnostics + notes
