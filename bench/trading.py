"""Cost of sealed bids and verifiable draws (no database): sealing one bid, the opening's key
recovery from officers' passphrases, decrypting N bids at once, and RFC 3797 draws.

    .venv/bin/python bench/trading.py --bids 500 --size 1000000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from onestop.draws import rfc3797  # noqa: E402
from onestop.trading import sealing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=200, help="bids to seal and open")
    parser.add_argument("--size", type=int, default=200_000, help="bytes per bid document")
    parser.add_argument("--officers", type=int, default=3)
    args = parser.parse_args()
    context = b"bench"
    started = time.perf_counter()
    keys = [sealing.make_officer_key(f"pass-{i}") for i in range(args.officers)]
    t_keys = time.perf_counter() - started
    project = sealing.make_project_key([k.public_key for k in keys], args.officers, context)
    document = os.urandom(args.size)
    started = time.perf_counter()
    sealed = [sealing.seal(project.public_key, document, context=context) for _ in range(args.bids)]
    t_seal = time.perf_counter() - started
    started = time.perf_counter()
    shares = []
    for i, (key, (index, share)) in enumerate(zip(keys, project.sealed_shares, strict=True)):
        private = sealing.unlock_officer_key(f"pass-{i}", key.salt, key.sealed_private_key)
        shares.append((index, sealing.unseal_share(private, index, share, context)))
    private = sealing.recover_private_key(shares, project.wrapped_private_key, context)
    t_recover = time.perf_counter() - started
    started = time.perf_counter()
    for c in sealed:
        sealing.unseal(private, c, context=context)
    t_open = time.perf_counter() - started
    rng = random.Random(1)
    started = time.perf_counter()
    draws = 0
    while time.perf_counter() - started < 1.0:
        key = rfc3797.key_string([[str(rng.randrange(10**6))], [str(rng.randrange(50))]])
        rfc3797.sequence(200, 7, key)
        draws += 1
    t_draw = time.perf_counter() - started
    each = t_keys * 1000 / args.officers
    print(f"officer keys ({args.officers}, scrypt n=2^14): {each:.0f} ms each")
    print(f"seal one {args.size:,}-byte bid: {t_seal * 1000 / args.bids:.2f} ms")
    print(f"recover the project key from {args.officers} passphrases: {t_recover * 1000:.0f} ms")
    print(
        f"open {args.bids} bids at once: {t_open:.2f} s ({t_open * 1000 / args.bids:.2f} ms each)"
    )
    print(f"RFC 3797 draws of 7 from 200: {draws / t_draw:,.0f} per second")


if __name__ == "__main__":
    main()
