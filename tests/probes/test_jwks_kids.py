"""A hostile JWKS may give key ids that are not text; the duplicate check still reports them.

``validate_jwks`` used to sort and join the raw ``kid`` values: a numeric kid used twice (or
mixed with text kids) raised TypeError, which the runner turned into probe.internal_error.
"""

from __future__ import annotations

from joserfc.jwk import ECKey

from vendortui.app.probes.findings import Recorder
from vendortui.app.probes.keys import validate_jwks


def test_non_text_kids_used_twice_are_a_finding_not_a_crash() -> None:
    keys = [
        {**ECKey.generate_key("P-256").as_dict(private=False), "kid": kid}
        for kid in (7, 7, "a", "a", 1.5)
    ]
    rec = Recorder()
    validate_jwks({"keys": keys}, rec)
    [duplicate] = [f for f in rec.findings if f.check_id == "jwks.kid_duplicate"]
    assert "'a'" in duplicate.message
    kinds = {f.check_id for f in rec.findings}
    assert "jwks.kid_type" in kinds, "a kid that is not a string (RFC 7517 4.5) is its own finding"
