"""The published draw document (JSON): what ``clearcheck draw verify`` and the standalone verifier read.

Before reveal the public sees the commitment, the frame hash and the parameters (and, once entered,
the public value); the frame, the secret and the selection only after reveal (R24: unannounced
inspections stay unannounced until the window ends). The agency sees its selection throughout.
"""

from clearcheck.inspections import blobs

from . import algorithm
from .choices import DrawStatus
from .models import Draw
from .services.draws import stored_outcome


def draw_document(draw: Draw, *, full: bool | None = None) -> dict:
    """The draw as a JSON-ready dict. ``full`` (default: revealed) adds the frame, secret and selection."""
    full = draw.status == DrawStatus.REVEALED if full is None else full
    document = {
        "algorithm": algorithm.ALGORITHM,
        "draw": {"id": draw.pk, "title": draw.title, "agency": draw.agency.name, "status": draw.status,
                 "committed_at": draw.committed_at.isoformat() if draw.committed_at else None,
                 "selected_at": draw.selected_at.isoformat() if draw.selected_at else None,
                 "revealed_at": draw.revealed_at.isoformat() if draw.revealed_at else None},
        "parameters": draw.parameters,
        "frame_sha256": draw.frame_sha256,
        "frame_counts": {"enterprises": draw.frame_enterprises, "officers": draw.frame_officers,
                         "exclusions": draw.frame_exclusions, "excluded_at_cap": draw.excluded_at_cap,
                         "excluded_unstaffed": draw.excluded_unstaffed},
        "commitment": draw.commitment,
        "public_value": draw.public_value or None,
    }
    if not full:
        return document
    enterprises, officers, exclusions = algorithm.frame_parse(blobs.blob_read(draw.frame_sha256))
    outcome = stored_outcome(draw)
    document.update({
        "frame": {"enterprises": [list(row) for row in enterprises], "officers": [list(row) for row in officers],
                  "exclusions": [list(row) for row in exclusions]},
        "secret": draw.secret or None,
        "seed": draw.seed or None,
        "selection": [{"position": n, "uscc": p.uscc, "stratum": p.stratum, "rank": p.rank, "team": p.team}
                      for n, p in enumerate(outcome.picks, start=1)],
        "teams": [{"team": j, "officers": team} for j, team in enumerate(outcome.teams)],
    })
    return document
