"""Import arrows point one way: the attention item at the bottom, the rules above it.

Checked in a fresh interpreter: importing a module must not import the ones above it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def vendortui_modules_after(module: str) -> set[str]:
    code = f"import sys, json, {module}; print(json.dumps([m for m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return {m for m in json.loads(out.stdout) if m.startswith("vendortui")}


def test_the_attention_item_imports_nothing_of_vendortui() -> None:
    assert vendortui_modules_after("vendortui.app.attention_item") == {
        "vendortui",
        "vendortui.app",
        "vendortui.app.attention_item",
    }


@pytest.mark.parametrize("producer", ["vendortui.app.checklists.due", "vendortui.app.probes.due"])
def test_rule_producers_do_not_import_the_attention_list(producer: str) -> None:
    loaded = vendortui_modules_after(producer)
    assert "vendortui.app.attention_item" in loaded
    assert "vendortui.app.attention" not in loaded


def test_the_probes_package_imports_no_engine() -> None:
    """``due`` and ``probe list`` import ``app.probes.*``; the package must not pull httpx in."""
    code = "import sys, vendortui.app.probes.due; print('httpx2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
