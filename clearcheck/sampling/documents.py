"""The published draw document (JSON): what ``clearcheck draw verify`` and the standalone verifier read.

Before reveal the public sees the commitment, the frame hash and the parameters (and, once entered,
the public value); the frame, the secret and the selection only after reveal (R24: unannounced
inspections stay unannounced until the window ends). The agency sees its selection throughout.

No individual business (个体工商户) is named or identified in it (ADR 0017). A ``clearcheck-draw/2`` frame holds
them under pseudonyms, so its document is complete and verifies. A ``clearcheck-draw/1`` draw (made before) has
their USCCs in its frame: its public document leaves those lines out, and the ranks of their picks (which,
with the seed, would let anyone find the USCC by trying a region's codes), and says so in ``redacted``; the
platform's own re-computation and ``clearcheck draw export --internal`` still use the whole document. The
same holds for a ``/2`` frame that names, by its USCC, an enterprise registered as an individual business
only after the draw's commit.
"""

from django.core.cache import cache

from clearcheck.core import blobs
from clearcheck.registry.models import Enterprise

from . import algorithm
from .choices import DrawStatus
from .models import Draw
from .pseudonyms import INDIVIDUAL_USCC_PREFIX, is_pseudonym, masked_q
from .services.draws import stored_outcome

MASKED_CACHE_SECONDS = 600
LOOKUP_CHUNK = 5000


def draw_algorithm(draw: Draw) -> str:
    """The algorithm the draw was committed with (``/1`` before ADR 0017, ``/2`` since)."""
    return (draw.parameters or {}).get("algorithm") or algorithm.ALGORITHM


def draw_document(draw: Draw, *, full: bool | None = None, public: bool = True) -> dict:
    """The draw as a JSON-ready dict. ``full`` (default: revealed) adds the frame, secret and selection;
    ``public`` leaves out, from a ``/1`` draw, what would identify an individual business.
    """
    full = draw.status == DrawStatus.REVEALED if full is None else full
    name = draw_algorithm(draw)
    counts = {"enterprises": draw.frame_enterprises, "officers": draw.frame_officers,
              "exclusions": draw.frame_exclusions, "excluded_at_cap": draw.excluded_at_cap,
              "excluded_unstaffed": draw.excluded_unstaffed}
    if name != algorithm.ALGORITHM_V1:
        counts["pseudonyms"] = draw.frame_pseudonyms
    document = {
        "algorithm": name,
        "draw": {"id": draw.pk, "title": draw.title, "agency": draw.agency.name, "status": draw.status,
                 "committed_at": draw.committed_at.isoformat() if draw.committed_at else None,
                 "selected_at": draw.selected_at.isoformat() if draw.selected_at else None,
                 "revealed_at": draw.revealed_at.isoformat() if draw.revealed_at else None},
        "parameters": draw.parameters,
        "frame_sha256": draw.frame_sha256,
        "frame_counts": counts,
        "commitment": draw.commitment,
        "public_value": draw.public_value or None,
    }
    if not full:
        return document
    enterprises, officers, exclusions = algorithm.frame_parse(blobs.blob_read(draw.frame_sha256))
    outcome = stored_outcome(draw)
    key = "uscc" if name == algorithm.ALGORITHM_V1 else "entry"
    document.update({
        "frame": {"enterprises": [list(row) for row in enterprises], "officers": [list(row) for row in officers],
                  "exclusions": [list(row) for row in exclusions]},
        "secret": draw.secret or None,
        "seed": draw.seed or None,
        "selection": [{"position": n, key: p.entry, "stratum": p.stratum, "rank": p.rank, "team": p.team}
                      for n, p in enumerate(outcome.picks, start=1)],
        "teams": [{"team": j, "officers": team} for j, team in enumerate(outcome.teams)],
    })
    if public:
        masked = masked_usccs(draw, [e for _, e in enterprises])
        if masked:
            _redact(document, masked, key)
    return document


def masked_usccs(draw: Draw, entries: list[str]) -> set[str]:
    """The individual businesses among a frame's USCC entries (all of a ``/1`` frame's; in a ``/2`` frame only an
    enterprise registered as one after the commit): by code (``92``…) or by the registry's type.

    A revealed draw never changes, so the answer is kept for ten minutes (keyed by the frame's hash).
    """
    key = f"sampling:masked:{draw.frame_sha256}"
    masked = cache.get(key)
    if masked is None:
        usccs = [e for e in entries if not is_pseudonym(e)]
        masked = {u for u in usccs if u.startswith(INDIVIDUAL_USCC_PREFIX)}
        rest = sorted(set(usccs) - masked)
        for start in range(0, len(rest), LOOKUP_CHUNK):
            masked.update(Enterprise.objects.filter(masked_q(), uscc__in=rest[start:start + LOOKUP_CHUNK])
                          .values_list("uscc", flat=True))
        cache.set(key, masked, MASKED_CACHE_SECONDS)
    return masked


def _redact(document: dict, masked: set[str], key: str) -> None:
    frame = document["frame"]
    frame["enterprises"] = [row for row in frame["enterprises"] if row[1] not in masked]
    frame["exclusions"] = [row for row in frame["exclusions"] if row[1] not in masked]
    selected = 0
    for n, pick in enumerate(document["selection"]):
        if pick[key] in masked:
            document["selection"][n] = {"position": pick["position"], "redacted": True, "stratum": pick["stratum"],
                                        "team": pick["team"]}
            selected += 1
    document["redacted"] = {
        "enterprises": len(masked), "selection": selected,
        "reason": "个体工商户的名称和统一社会信用代码属于个人信息,不予公开(《个人信息保护法》第四条、第二十五条;ADR 0017)。"
                  "这些条目在框架中以统一社会信用代码列出(早于化名规则的抽取,或抽取后才登记为个体工商户),隐去后无法独立重算;"
                  "平台重算校验仍按完整数据进行。",
    }
