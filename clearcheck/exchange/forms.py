"""The upload form of the import page."""

from django import forms

from clearcheck.registry.models import Agency

from .choices import ImportKind, ImportMode


class ImportForm(forms.Form):
    """Kind, mode, file and (for the bureau's officer imports) the agency."""

    kind = forms.ChoiceField(label="导入类型", choices=ImportKind.choices)
    mode = forms.ChoiceField(
        label="导入方式", choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label="文件(.xlsx 或 .csv)", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )
    agency = forms.ModelChoiceField(
        label="所属机关(仅导入执法人员时;留空则按“所属机关编码”列)", queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args, agencies=None, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies
        if kinds is not None:
            self.fields["kind"].choices = [(v, lbl) for v, lbl in ImportKind.choices if v in kinds]
