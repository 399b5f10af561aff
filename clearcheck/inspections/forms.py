"""Forms of the recusal (R13) and entry refusal (R29) pages: they only parse; the services decide."""

from django import forms


class RecusalFileForm(forms.Form):
    """The enterprise names the officer by the credential number on the officer's credential."""

    credential_no = forms.CharField(label="执法证号", max_length=32)
    reason = forms.CharField(label="申请理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RecusalDecisionForm(forms.Form):
    """The agency head's decision and its reasons."""

    action = forms.ChoiceField(choices=[("grant", "同意回避"), ("refuse", "不予回避")])
    reason = forms.CharField(label="决定理由", max_length=2000)


class EntryRefusalForm(forms.Form):
    """The enterprise's record of an entry it refused: the agency is picked from the published list."""

    agency_id = forms.IntegerField(label="自称所属机关", required=False, min_value=1)
    people = forms.CharField(label="来访人员", max_length=2000)
    occurred_at = forms.DateTimeField(label="发生时间")
    place = forms.CharField(label="地点", max_length=200, required=False)
    feedback = forms.CharField(label="反馈意见", max_length=2000)
