"""The staff dashboard (Wagtail's home page): each app adds its panel for the users it serves,
a `DashboardPanel` (a Wagtail Component: `name`, `order`, `template_name`, `get_context_data`
reading `self.user`) with `shown_to(user)`, registered by the `@dashboard_panel` decorator."""

from wagtail import hooks
from wagtail.admin.ui.components import Component


class DashboardPanel(Component):
    """A panel of the dashboard for `user`, on the dashboards of the users `shown_to` admits."""

    def __init__(self, user):
        self.user = user

    @staticmethod
    def shown_to(user) -> bool:
        raise NotImplementedError


def dashboard_panel(panel: type[DashboardPanel]) -> type[DashboardPanel]:
    """Class decorator: the panel appears on the dashboard of every user it is shown to."""

    @hooks.register("construct_homepage_panels")
    def add_panel(request, panels):
        if panel.shown_to(request.user):
            panels.append(panel(request.user))

    return panel
