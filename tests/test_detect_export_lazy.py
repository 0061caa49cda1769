"""`export signals` through services.exporting alone: the detection module registers itself on first use."""

from __future__ import annotations

import subprocess
import sys


def test_signals_exporter_is_known_without_importing_detection() -> None:
    code = (
        "import sys; from jobshift.services.browse import exporting as e; "
        "assert 'jobshift.services.detect.detecting' not in sys.modules; "
        "assert 'signals' in e.exportable_names(); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
