"""Verify a gateway identity token in Python with PyJWT (>= 2.4, with `cryptography`).

    python3 verify_token.py <jwks-file-or-url> <audience> <METHOD> <path-and-query> < token

Prints the verified claims as JSON and exits 0, or prints the reason and exits 1.
This is the whole contract of docs/identity-token.md: pinned algorithm and type,
key by kid, iss, aud, exp/iat with skew, the request binding (htm, htp).
"""
import base64
import hashlib
import json
import sys
import urllib.request

import jwt  # PyJWT
from jwt.algorithms import OKPAlgorithm

CLOCK_SKEW_SECONDS = 5
MAX_TTL_SECONDS = 300


def load_jwks(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=5) as response:
            return json.load(response)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def verify(token: str, jwks: dict, audience: str, method: str, path_and_query: str) -> dict:
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "EdDSA" or header.get("typ") != "gateway-identity+jwt" or set(header) != {"alg", "typ", "kid"}:
        raise ValueError("unexpected token header")
    keys = {key["kid"]: key for key in jwks["keys"] if key.get("kty") == "OKP" and key.get("crv") == "Ed25519"}
    if header["kid"] not in keys:
        raise ValueError("unknown kid (refetch the JWKS once, then reject)")
    public_key = OKPAlgorithm.from_jwk(json.dumps(keys[header["kid"]]))
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["EdDSA"],  # pinned: never take the algorithm from the token
        audience=audience,  # the route name central forwards this service under
        issuer="central",
        leeway=CLOCK_SKEW_SECONDS,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    if claims["exp"] - claims["iat"] > MAX_TTL_SECONDS:
        raise ValueError("token lifetime too long")
    if all(name not in claims for name in ("jti", "htm", "htp")):
        return claims  # a reusable token (route with serviceToken: reuse): no request binding
    if claims.get("htm") != method.upper():
        raise ValueError("token was issued for another method")
    digest = hashlib.sha256(path_and_query.encode("utf-8")).digest()
    if claims.get("htp") != base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"):
        raise ValueError("token was issued for another path or query")
    return claims


if __name__ == "__main__":
    jwks_source, audience, method, target = sys.argv[1:5]
    try:
        verified = verify(sys.stdin.read().strip(), load_jwks(jwks_source), audience, method, target)
    except (jwt.PyJWTError, ValueError) as error:
        print(f"rejected: {error}")
        sys.exit(1)
    print(json.dumps(verified, sort_keys=True))
