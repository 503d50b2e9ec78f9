"""The Audit Bureau's verifiable draw (R-AUD-1, R-AUD-2), as pure functions: no database, no network, no clock.

Anyone holding a published draw document can recompute the draw with these modules alone
(`egov audit-draw verify --inputs draw.json`). The method is described in docs/audit-sampling.md.

- `prng`: SHA-256 in counter mode over (seed, counter), with rejection of biased values (Rivest's sampler.py).
- `frame`: the frozen sampling frame and its digest.
- `methods`: sample sizes, stratification, simple random sampling and monetary-unit (PPS) sampling.
- `commitment`: what the bureau publishes before the seed is known, and the check of the revealed seed.
- `document`: the published draw document and its verification.
- `report`: the reconciliation of population, frame and selection.
"""
from services.audit.domain.sampling.errors import DrawError

__all__ = ["DrawError"]
