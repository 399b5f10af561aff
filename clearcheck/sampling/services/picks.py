"""Storing a draw's outcome (R24): its teams, their members and the selected enterprises.

A draw of 5 % of a million enterprises stores ~50,000 picks inside the select transaction, so the picks
go in set-based: as plain tuples into a temporary table (``COPY`` on PostgreSQL, one ``executemany`` on
SQLite) and from there by one ``INSERT … SELECT`` that joins the registry by USCC for the enterprise id.
No model object is built per pick (docs/performance.md §5: 6.4 s → 1.9 s on PostgreSQL). A pick's frame
entry is its USCC, or the pseudonym of an individual business, resolved through the draw's private map.
"""

from django.db import connection

from clearcheck.registry.models import Enterprise, Officer

from .. import algorithm
from ..models import DrawPick, DrawTeam, DrawTeamMember

STAGE = "sampling_pick_stage"


def outcome_store(draw, outcome: algorithm.Outcome, pseudonyms: dict[str, str] | None = None) -> None:
    """Write the outcome's teams, members and picks; every pick's USCC must name one registry row.

    ``pseudonyms``: the draw's private map (pseudonym → USCC); an entry not in it is a USCC.
    """
    credentials = {c for team in outcome.teams for c in team}
    officer_ids = dict(Officer.objects.filter(credential_no__in=credentials).values_list("credential_no", "pk"))
    teams = DrawTeam.objects.bulk_create([DrawTeam(draw=draw, number=j + 1) for j in range(len(outcome.teams))])
    DrawTeamMember.objects.bulk_create([
        DrawTeamMember(team=team, officer_id=officer_ids[c], position=n)
        for team, members in zip(teams, outcome.teams, strict=True) for n, c in enumerate(members)])
    usccs = pseudonyms or {}
    rows = [(n, p.entry, usccs.get(p.entry, p.entry), p.stratum, p.rank, teams[p.team].pk)
            for n, p in enumerate(outcome.picks, start=1)]
    stored = _picks_insert(draw.pk, rows)
    if stored != len(rows):
        # A frame USCC that no longer names an enterprise: the frame was read from the registry in this
        # platform, so this means the registry lost a row it must keep; refuse rather than store a gap.
        raise RuntimeError(f"抽中企业 {len(rows)} 户,仅 {stored} 户能在企业名录中找到")


def _picks_insert(draw_id: int, rows: list[tuple]) -> int:
    pick, enterprise = DrawPick._meta.db_table, Enterprise._meta.db_table
    # Identifiers are the models' table names and a constant; every value is a parameter.
    insert = (f"INSERT INTO {pick} (draw_id, position, enterprise_id, entry, uscc, stratum, rank, team_id) "  # noqa: S608
              f"SELECT %s, s.position, e.id, s.entry, s.uscc, s.stratum, s.rank, s.team_id FROM {STAGE} s "
              f"JOIN {enterprise} e ON e.uscc = s.uscc")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TEMP TABLE {STAGE} (position integer, entry varchar(40), uscc varchar(18), "
                        "stratum varchar(8), rank varchar(64), team_id bigint) ON COMMIT DROP")
            with cur.connection.cursor() as raw, raw.copy(f"COPY {STAGE} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.execute(f"CREATE TEMP TABLE {STAGE} (position integer, entry text, uscc text, stratum text, "
                        "rank text, team_id integer)")
            cur.executemany(f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s, %s, %s)", rows)  # noqa: S608
        cur.execute(insert, [draw_id])
        stored = cur.rowcount
        # Dropped at once: one transaction may select several draws (the demo county does), and
        # PostgreSQL's ON COMMIT DROP would only drop it at the end.
        cur.execute(f"DROP TABLE {STAGE}")
    return stored


def picks_match_entries(draw, pseudonyms: dict[str, str]) -> bool:
    """Whether every stored pick names the enterprise its frame entry stands for: its USCC, or the USCC the
    private map gives for its pseudonym. The selection hash covers the entries, this the enterprises behind them.
    """
    rows = draw.picks.values_list("entry", "uscc", "enterprise__uscc").order_by()
    return all(uscc == registered and pseudonyms.get(entry, entry) == uscc for entry, uscc, registered in rows)
