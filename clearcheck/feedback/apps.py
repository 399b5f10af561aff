from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback: enterprises' evaluations of inspections (R27) and complaints from every channel."""

    name = "clearcheck.feedback"
    label = "feedback"
    verbose_name = "评价与投诉"

    def ready(self):
        """Register the service that raises R27 (a conduct complaint or a low score in an evaluation), and the
        complaint's stored working-day deadline, which planning's calendar recomputes when a year is loaded.
        """
        from clearcheck.alerts.checks import event_raiser_register
        from clearcheck.planning.calendar import stored_deadline_register

        from .models import Complaint
        from .services.evaluations import evaluation_submit

        event_raiser_register(rule_id="R27", function=evaluation_submit)
        stored_deadline_register(label="feedback.complaint", model=Complaint, start_field="received_at",
                                 date_field="deadline", flag_field="deadline_provisional")
