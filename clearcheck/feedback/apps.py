from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback: enterprises' evaluations of inspections (R27) and complaints from every channel."""

    name = "clearcheck.feedback"
    label = "feedback"
    verbose_name = "评价与投诉"
