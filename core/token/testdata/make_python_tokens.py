#!/usr/bin/python3
"""Make python_tokens.json: JWTs minted the way the Python original does
(PyJWT, per-purpose HMAC-SHA256 keys, float iat, integer exp), with the
claims Python decodes from them, so Go is tested against tokens it did not
make and against Python's iat rounding.

Regenerate (Debian):
    apt-get install -y python3-jwt
    /usr/bin/python3 core/token/testdata/make_python_tokens.py \
        > core/token/testdata/python_tokens.json

The output is deterministic (fixed seed).
"""

import base64
import hashlib
import hmac
import json
import random
import sys
from datetime import datetime, timezone

import jwt

SECRET = "correct-horse-battery-staple-0123456789"
PURPOSES = ["session", "login_mfa", "phone_setup", "password_reset", "email_change"]


def key(purpose: str) -> bytes:
    return hmac.new(SECRET.encode(), purpose.encode(), hashlib.sha256).digest()


def iat_values(rng: random.Random):
    # What time.time() / datetime.timestamp() produce: floats with up to
    # 17 significant digits, so the seventh and later decimals matter.
    for _ in range(40):
        yield rng.uniform(1.6e9, 2.2e9)
    # Values whose fraction lands near a half microsecond.
    for _ in range(10):
        base = rng.randrange(1_600_000_000, 2_200_000_000)
        yield base + (rng.randrange(1_000_000) + 0.5) / 1e6
    yield 1735689600.123456
    yield 1735689600.0
    yield 1735689600.9999996


def main() -> None:
    rng = random.Random(20250101)
    out = []
    for i, iat in enumerate(iat_values(rng)):
        purpose = PURPOSES[i % len(PURPOSES)]
        alg = ["HS256", "HS384", "HS512"][i % 3]
        audience = "my-app" if i % 4 == 0 else None
        claims = {
            "sub": rng.getrandbits(128).to_bytes(16, "big").hex(),
            "jti": base64.urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode(),
            "iat": iat,
            "exp": int(iat + 600),
            "purpose": purpose,
        }
        if audience is not None:
            claims["aud"] = audience
        if purpose == "email_change":
            claims["new_email"] = f"new{i}@example.com"
        if purpose == "phone_setup":
            claims["phone"] = f"+1555555{i:04d}"
        token = jwt.encode(claims, key(purpose), algorithm=alg)
        out.append(
            {
                "algorithm": alg,
                "audience": audience,
                "purpose": purpose,
                "token": token,
                "sub": claims["sub"],
                "jti": claims["jti"],
                "iat": datetime.fromtimestamp(iat, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "exp": claims["exp"],
                "new_email": claims.get("new_email", ""),
                "phone": claims.get("phone", ""),
            }
        )
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
