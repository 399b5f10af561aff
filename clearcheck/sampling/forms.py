"""Form parsing for the draw pages. Forms only turn POST data into the arguments of the services; every
required-field check and every R24 refusal lives in the services, so the web and the API refuse alike.
"""

from django import forms

from .choices import ALL_STRATUM, PublicKind, SampleMode, Stratify


class PoolForm(forms.Form):
    """Scalar fields of a pool (the code lists and checkboxes are read by ``pool_values``)."""

    name = forms.CharField(required=False)
    regions = forms.CharField(required=False)
    industries = forms.CharField(required=False)
    exclude_special_sectors = forms.BooleanField(required=False)
    note = forms.CharField(required=False)
    active = forms.BooleanField(required=False)


class DrawForm(forms.Form):
    """Scalar fields of a new draw (pools, items and the per-stratum sample are read by ``draw_values``)."""

    title = forms.CharField(required=False)
    window_start = forms.CharField(required=False)
    window_end = forms.CharField(required=False)
    stratify = forms.ChoiceField(choices=Stratify.choices, required=False)
    sample_mode = forms.ChoiceField(choices=SampleMode.choices, required=False)
    team_size = forms.CharField(required=False)
    max_per_team = forms.CharField(required=False)
    public_kind = forms.ChoiceField(choices=PublicKind.choices, required=False)
    public_source = forms.CharField(required=False)


def _scalars(form_class, data) -> dict:
    """The parsed values; what a form cannot parse is passed on as sent, for the service to refuse."""
    form = form_class(data)
    form.is_valid()
    values = dict(form.cleaned_data)
    for name in form.errors:
        values[name] = data.get(name, "")
    return values


def _ids(data, name: str) -> list[str]:
    return [v for v in data.getlist(name) if v.strip()]


def pool_values(data) -> dict:
    """A pool form's POST as the keyword arguments of ``pool_create`` / the data of ``pool_update``."""
    values = _scalars(PoolForm, data)
    return {
        "name": values["name"],
        "filters": {
            "regions": values["regions"], "industries": values["industries"],
            "entity_types": _ids(data, "entity_types"), "tiers": _ids(data, "tiers"),
            "exclude_special_sectors": bool(values["exclude_special_sectors"]),
        },
        "officer_ids": _ids(data, "officers"),
        "note": values["note"],
        "active": bool(values["active"]),
    }


def sample_values(data, *, stratify: str, strata: list[str]) -> dict:
    """The per-stratum counts or ratios as typed (``sample_<stratum>``); blanks are left out."""
    wanted = [ALL_STRATUM] if stratify == Stratify.NONE else strata
    sample = {}
    for stratum in wanted:
        text = (data.get(f"sample_{stratum}") or "").strip()
        if text:
            sample[stratum] = text
    return sample


def draw_values(data, *, strata: list[str]) -> dict:
    """A new-draw form's POST as the keyword arguments of ``draw_create`` (without the actor)."""
    values = _scalars(DrawForm, data)
    stratify = values["stratify"] or Stratify.TIER
    return {
        "title": values["title"], "pool_ids": _ids(data, "pools"), "item_ids": _ids(data, "items"),
        "window_start": values["window_start"], "window_end": values["window_end"],
        "stratify": stratify, "sample_mode": values["sample_mode"] or SampleMode.RATIO,
        "sample": sample_values(data, stratify=stratify, strata=strata),
        "team_size": values["team_size"], "max_per_team": values["max_per_team"],
        "public_kind": values["public_kind"] or PublicKind.KENO, "public_source": values["public_source"],
    }
