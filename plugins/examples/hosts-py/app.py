"""The WIT glue of the inventory-py plugin (built with componentize-py; see build.sh).

componentize-py generates the `wit_world` package from plugins/wit/backend.wit; the class
`WitWorld` implements the world's exports. A `result<T, E>` export returns T and raises
`Err(E)` for the error case.
"""

import traceback

import wit_world
from componentize_py_types import Err
from wit_world.imports.types import (
    CompileOptions,
    CompileOutput,
    Diagnostic,
    File,
    PluginInfo,
    Severity,
)

import inventory

_SEVERITY = {
    inventory.ERROR: Severity.ERROR,
    inventory.WARNING: Severity.WARNING,
    inventory.NOTE: Severity.NOTE,
}


def _wit(diagnostics):
    return [Diagnostic(_SEVERITY[d.severity], d.code, d.message, d.ir_path) for d in diagnostics]


def _guarded(call):
    """Runs `call`; turns a Failure into `Err(diagnostics)` and any other exception (a bug)
    into an error diagnostic, with the traceback on stderr, rather than a trap."""
    try:
        return call()
    except inventory.Failure as f:
        raise Err(_wit(f.diagnostics))
    except Exception as e:  # noqa: BLE001 - the host must get a diagnostic, not a trap
        traceback.print_exc()
        raise Err([Diagnostic(Severity.ERROR, "INVPY999",
                              f"internal error in the plugin: {type(e).__name__}: {e}", "")])


class WitWorld(wit_world.WitWorld):
    def info(self) -> PluginInfo:
        return PluginInfo(
            name=inventory.NAME,
            version=inventory.VERSION,
            targets=[inventory.TARGET],
            ir_versions=[inventory.IR_VERSION],
        )

    def units(self, ir: str, target: str) -> list[str]:
        def run():
            inventory.check_request(target, "")
            return [""]  # the whole model, in one call

        return _guarded(run)

    def compile(self, ir: str, options: CompileOptions) -> CompileOutput:
        def run():
            inventory.check_request(options.target, options.unit)
            text, diagnostics = inventory.render(ir)
            return CompileOutput(
                files=[File(path=inventory.PATH, contents=text.encode("utf-8"))],
                diagnostics=_wit(diagnostics),
            )

        return _guarded(run)
