from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback: enterprises' evaluations of inspections (R27) and complaints from every channel."""

    name = "clearcheck.feedback"
    label = "feedback"
    verbose_name = "评价与投诉"

    def ready(self):
        """Register the service that raises R27 (a conduct complaint or a low score in an evaluation)."""
        from clearcheck.alerts.checks import event_raiser_register

        from .services.evaluations import evaluation_submit

        event_raiser_register(rule_id="R27", function=evaluation_submit)
