"""Form parsing for the catalog pages. Forms only turn POST data into Python values; every rule and
required-field check lives in the services, so the web, the API and imports refuse alike.
"""

from django import forms

from .choices import ItemCategory, NoPenaltyKind, SpecialSector


class ItemForm(forms.Form):
    """Fields of an inspection item."""

    code = forms.CharField(required=False)
    name = forms.CharField(required=False)
    legal_basis = forms.CharField(required=False)
    object_scope = forms.CharField(required=False)
    method = forms.CharField(required=False)
    category = forms.ChoiceField(choices=ItemCategory.choices, required=False)
    annual_cap = forms.CharField(required=False)
    licensing_onsite_allowed = forms.BooleanField(required=False)
    licensing_onsite_basis = forms.CharField(required=False)
    single_officer_basis = forms.CharField(required=False)
    special_sector = forms.ChoiceField(choices=[("", "—"), *SpecialSector.choices], required=False)


class StandardForm(forms.Form):
    """Fields of a standard."""

    code = forms.CharField(required=False)
    title = forms.CharField(required=False)
    content = forms.CharField(required=False)


class ChecklistForm(forms.Form):
    """Fields of a new checklist."""

    code = forms.CharField(required=False)
    name = forms.CharField(required=False)
    object_type = forms.CharField(required=False)


class EntryForm(forms.Form):
    """A new checklist entry."""

    item = forms.IntegerField(required=False)
    content = forms.CharField(required=False)
    standard = forms.IntegerField(required=False)
    standard_text = forms.CharField(required=False)


class NoPenaltyForm(forms.Form):
    """Fields of a no-penalty entry."""

    kind = forms.ChoiceField(choices=NoPenaltyKind.choices, required=False)
    title = forms.CharField(required=False)
    legal_basis = forms.CharField(required=False)
    conditions = forms.CharField(required=False)


def form_values(form_class, data) -> dict:
    """The parsed values of ``data``; values a form cannot parse are passed on for the service to refuse."""
    form = form_class(data)
    form.is_valid()
    values = dict(form.cleaned_data)
    for name in form.errors:
        values[name] = data.get(name, "")
    return values
