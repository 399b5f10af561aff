"""What the tests of ``clearcheck-draw/1`` share (docs/draws.md): the specification's text and its fenced
blocks, one draw computed by the reference and by the independent verifier (``tests/draw_spec.py``),
and the changes to a published document that must each make it fail verification.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from clearcheck.sampling import algorithm as reference
from tests.draw_spec import SpecRefusal, spec_draw, spec_frame

DOC = (Path(__file__).resolve().parent.parent / "docs" / "draws.md").read_text(encoding="utf-8")


def doc_block(starts_with: str, language: str, index: int = 0) -> str:
    """The ``index``-th fenced block of docs/draws.md whose text starts with ``starts_with``."""
    blocks = [b for b in re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S) if b.startswith(starts_with)]
    if len(blocks) <= index:
        raise AssertionError(f"no {language} block {index} starting {starts_with!r} in docs/draws.md")
    return blocks[index]


def reference_outcome(enterprises, officers, exclusions, parameters, secret, value):
    """("refused", None) or ("drawn", (frame, outcome)) as the reference computes it."""
    try:
        frame = reference.frame_bytes(enterprises, officers, exclusions)
        outcome = reference.draw_compute(frame=frame, parameters=parameters, secret_hex=secret, public_value=value)
    except reference.DrawError:
        return "refused", None
    selection = [(p.uscc, p.stratum, p.rank, p.team) for p in outcome.picks]
    return "drawn", (frame, {"seed": outcome.seed, "selection": selection, "teams": outcome.teams})


def spec_outcome(enterprises, officers, exclusions, parameters, secret, value):
    try:
        frame = spec_frame(enterprises, officers, exclusions)
        return "drawn", (frame, spec_draw(frame, parameters, secret, value))
    except SpecRefusal:
        return "refused", None


def spec_refusal(inputs) -> str:
    enterprises, officers, exclusions, parameters, secret, value = inputs
    try:
        spec_draw(spec_frame(enterprises, officers, exclusions), parameters, secret, value)
    except SpecRefusal as exc:
        return str(exc)
    return ""


def document_set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
        return document
    return change


def document_mutations(document: dict) -> list:
    """Changes that must each turn a match into a mismatch."""
    other_secret = "0" * 63 + "1"
    changes = [
        document_set(["algorithm"], lambda v: "clearcheck-draw/1" if v == "clearcheck-draw/2" else "clearcheck-draw/2"),
        document_set(["secret"], other_secret),
        document_set(["commitment"], hashlib.sha256(bytes.fromhex(other_secret)).hexdigest()),
        document_set(["frame_sha256"], "0" * 64),
        document_set(["seed"], "0" * 64),
        document_set(["public_value"], lambda v: v + " "),
        document_set(["parameters", "draw"], lambda v: v + 1),
        document_set(["parameters", "max_per_team"], 0),
        document_set(["frame", "enterprises"], lambda rows: rows[1:]),
        document_set(["frame", "officers"], lambda rows: rows[:-1]),
        document_set(["frame", "exclusions"], lambda rows: [*rows, [document["frame"]["officers"][0][1],
                                                             document["frame"]["enterprises"][0][1], "rotation"]]),
        document_set(["selection"], lambda picks: picks[:-1]),
        document_set(["selection"], lambda picks: picks[::-1]),
        document_set(["selection", 0, "team"], lambda team: team + 1),
        document_set(["selection", 0, "rank"], "f" * 64),
        document_set(["teams"], lambda teams: teams[::-1] if len(teams) > 1 else [*teams, teams[0]]),
        document_set(["teams", 0, "officers"], lambda members: members[::-1]),
        document_set(["teams"], lambda teams: teams[:-1] if len(teams) > 1 else [*teams, teams[0]]),
        document_set(["teams", -1, "officers"], lambda members: members[:-1]),
    ]
    if document["frame"]["exclusions"]:
        changes.append(document_set(["frame", "exclusions"], lambda rows: rows[:-1]))
    return changes
