#!/usr/bin/env python3
"""Reads a generated IOS configuration back with ciscoconfparse2 and prints what it means as JSON.

Usage: readback.py CONFIG_FILE... (prints one JSON object: file name → meaning)

ciscoconfparse2 (pinned: 0.9.18) groups the lines into parents and children and interprets the
interface commands (access VLAN, allowed trunk VLANs with `add`, native VLAN, IPv4 address). It
does not check IOS syntax: nothing installable does. The Rust test `readback` compares this JSON
with what the model says, computed independently of the renderer.
"""

import ipaddress
import json
import re
import sys
import warnings

warnings.filterwarnings("ignore")

from ciscoconfparse2 import CiscoConfParse  # noqa: E402

try:  # ciscoconfparse2 logs through loguru, set up on import; keep stderr for real errors
    from loguru import logger

    logger.remove()
except ImportError:
    pass


def children(obj):
    return [c.text.strip() for c in obj.children]


def first_match(pattern, lines):
    for line in lines:
        m = re.match(pattern, line)
        if m:
            return m
    return None


def interface(obj):
    lines = children(obj)
    dot1q = first_match(r"^encapsulation dot1Q (\d+)( native)?$", lines)
    if obj.has_manual_switch_access:
        mode = "access"
    elif obj.has_manual_switch_trunk:
        mode = "trunk"
    elif obj.ipv4_addr or "no switchport" in lines or dot1q:
        mode = "routed"
    else:
        mode = "none"
    address = None
    if obj.ipv4_addr:
        length = ipaddress.IPv4Network(f"0.0.0.0/{obj.ipv4_netmask}").prefixlen
        address = f"{obj.ipv4_addr}/{length}"
    acl = first_match(r"^ip access-group (\S+) in$", lines)
    area = first_match(r"^ip ospf (\d+) area (\S+)$", lines)
    cost = first_match(r"^ip ospf cost (\d+)$", lines)
    hello = first_match(r"^ip ospf hello-interval (\d+)$", lines)
    dead = first_match(r"^ip ospf dead-interval (\d+)$", lines)
    key = first_match(r"^ip ospf message-digest-key 1 md5 (\S+)$", lines)
    description = first_match(r"^description (.*)$", lines)
    return {
        "mode": mode,
        "description": description.group(1) if description else None,
        "access_vlan": obj.access_vlan if mode == "access" else None,
        "allowed_vlans": sorted(int(v) for v in obj.trunk_vlans_allowed)
        if mode == "trunk"
        else None,
        "native_vlan": obj.native_vlan if mode == "trunk" else None,
        "portfast": any(line.startswith("spanning-tree portfast") for line in lines),
        "dot1q": int(dot1q.group(1)) if dot1q else None,
        "address": address,
        "acl_in": acl.group(1) if acl else None,
        "shutdown": "shutdown" in lines,
        "ospf": {
            "area": int(area.group(2)),
            "cost": int(cost.group(1)) if cost else None,
            "hello": int(hello.group(1)) if hello else None,
            "dead": int(dead.group(1)) if dead else None,
            "point_to_point": "ip ospf network point-to-point" in lines,
            "md5_key": key.group(1)
            if key and "ip ospf authentication message-digest" in lines
            else None,
        }
        if area
        else None,
    }


def banner(parse):
    found = parse.find_objects(r"^banner motd ")
    if not found:
        return None
    delimiter = found[0].text[len("banner motd ") :]
    text = []
    for child in found[0].children:
        if child.text == delimiter:
            return "\n".join(text)
        text.append(child.text)
    return None  # never closed


def meaning(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parse = CiscoConfParse(text.splitlines(), syntax="ios", factory=True)
    top = [o.text for o in parse.find_objects(r"^\S")]

    def has(pattern):
        return any(re.match(pattern, line) for line in top)

    def all_matches(pattern, group=1):
        return [m.group(group) for m in (re.match(pattern, l) for l in top) if m]

    vlans = {}
    for v in parse.find_objects(r"^vlan \d+$"):
        name = first_match(r"^name (\S+)$", children(v))
        vlans[v.text.split()[1]] = name.group(1) if name else None

    interfaces = {o.name: interface(o) for o in parse.find_objects(r"^interface ")}

    lines = []
    for o in parse.find_objects(r"^line "):
        kids = children(o)
        transport = first_match(r"^transport input (.+)$", kids)
        lines.append(
            {
                "line": o.text[len("line ") :],
                "login_local": "login local" in kids,
                "transport_input": transport.group(1).split() if transport else None,
            }
        )

    users = []
    for m in (re.match(r"^username (\S+) privilege (\d+) (secret|password) (.*)$", l) for l in top):
        if m:
            users.append({"name": m.group(1), "privilege": int(m.group(2)), "kind": m.group(3)})

    acls = {}
    for o in parse.find_objects(r"^ip access-list extended "):
        acls[o.text.split()[3]] = children(o)

    ospf = None
    for o in parse.find_objects(r"^router ospf "):
        kids = children(o)
        rid = first_match(r"^router-id (\S+)$", kids)
        ospf = {
            "process": int(o.text.split()[2]),
            "router_id": rid.group(1) if rid else None,
            "passive": sorted(
                m.group(1) for m in (re.match(r"^passive-interface (\S+)$", k) for k in kids) if m
            ),
            "redistribute": sorted(
                m.group(1)
                for m in (re.match(r"^redistribute (\S+) subnets$", k) for k in kids)
                if m
            ),
        }

    out = {
        "hostname": (all_matches(r"^hostname (\S+)$") or [None])[0],
        "domain_name": (all_matches(r"^ip domain-name (\S+)$") or [None])[0],
        "domain_lookup": not has(r"^no ip domain-lookup$"),
        "password_encryption": has(r"^service password-encryption$"),
        "ip_routing": has(r"^ip routing$"),
        "users": users,
        "vtp_transparent": has(r"^vtp mode transparent$"),
        "vlans": vlans,
        "interfaces": interfaces,
        "ospf": ospf,
        "default_gateway": (all_matches(r"^ip default-gateway (\S+)$") or [None])[0],
        "default_routes": all_matches(r"^ip route 0\.0\.0\.0 0\.0\.0\.0 (\S+)$"),
        "http_server": has(r"^ip http server$") or not has(r"^no ip http server$"),
        "https_server": has(r"^ip http secure-server$") or not has(r"^no ip http secure-server$"),
        "ssh_version": int((all_matches(r"^ip ssh version (\d+)$") or ["0"])[0]),
        "acls": acls,
        "logging_hosts": all_matches(r"^logging host (?:ipv6 )?(\S+)$"),
        "ntp_servers": all_matches(r"^ntp server (\S+)$"),
        "banner": banner(parse),
        "lines": lines,
        "telnet": "telnet" in text.lower(),
        "ends": text.rstrip("\n").endswith("\nend"),
    }
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: readback.py CONFIG_FILE...")
    json.dump({p: meaning(p) for p in sys.argv[1:]}, sys.stdout, indent=1, sort_keys=True)
    print()
