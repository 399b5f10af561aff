"""Draws of ``clearcheck-draw/2`` (ADR 0017): an individual business is in the frame under a pseudonym.

A pick keeps its frame entry beside its USCC; picks of earlier draws (``/1``) had their USCC as entry, which
one UPDATE copies. A draw keeps the number of pseudonyms in its frame and the address of its private map.
"""

from django.db import migrations, models


def entries_from_usccs(apps, schema_editor):
    """A ``/1`` pick's entry is its USCC (one statement, whatever the number of picks)."""
    DrawPick = apps.get_model("sampling", "DrawPick")
    DrawPick.objects.filter(entry="").update(entry=models.F("uscc"))


class Migration(migrations.Migration):

    dependencies = [
        ("sampling", "0003_pick_references_unconstrained"),
    ]

    operations = [
        migrations.AddField(
            model_name="draw",
            name="frame_pseudonyms",
            field=models.PositiveIntegerField(default=0, help_text="individual businesses in the frame under a pseudonym",
                                              verbose_name="以化名列入框架的个体工商户数"),
        ),
        migrations.AddField(
            model_name="draw",
            name="pseudonyms_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="化名对照表哈希",
                                   help_text="address of the private pseudonym → USCC map in the blob store (never "
                                             "published; ADR 0017)"),
        ),
        migrations.AddField(
            model_name="drawpick",
            name="entry",
            field=models.CharField(default="", max_length=40, verbose_name="框架条目",
                                   help_text="the enterprise's entry in the frame: its USCC, or its pseudonym (ADR 0017)"),
            preserve_default=False,
        ),
        migrations.RunPython(entries_from_usccs, migrations.RunPython.noop, elidable=True),
    ]
