from django.apps import AppConfig


class SamplingConfig(AppConfig):
    """Double-random draws (双随机、一公开): pools, draws that anyone can re-verify, tasks from draws."""

    name = "clearcheck.sampling"
    label = "sampling"
    verbose_name = "双随机抽查"

    def ready(self):
        """Register the periodic alert checks of draws (R24) and the services that raise R24."""
        from clearcheck.alerts.checks import event_raiser_register, periodic_check_register

        from .jobs import draws_unrevealed_alert, draws_unselected_alert
        from .services.draws import draw_cancel, draw_frame_tamper_report

        periodic_check_register(rule_id="R24", name="draws_unselected", function=draws_unselected_alert)
        periodic_check_register(rule_id="R24", name="draws_unrevealed", function=draws_unrevealed_alert)
        event_raiser_register(rule_id="R24", function=draw_frame_tamper_report)
        event_raiser_register(rule_id="R24", function=draw_cancel)
