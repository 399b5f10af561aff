"""Forms of the recusal pages: they only parse; the services decide (R13)."""

from django import forms


class RecusalFileForm(forms.Form):
    """The enterprise names the officer by the credential number on the officer's credential."""

    credential_no = forms.CharField(label="执法证号", max_length=32)
    reason = forms.CharField(label="申请理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RecusalDecisionForm(forms.Form):
    """The agency head's decision and its reasons."""

    action = forms.ChoiceField(choices=[("grant", "同意回避"), ("refuse", "不予回避")])
    reason = forms.CharField(label="决定理由", max_length=2000)
