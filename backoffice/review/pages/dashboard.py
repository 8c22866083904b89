"""统计看板 for my subtree, with inline SVG charts."""
from flask_admin import expose
from flask_login import current_user

from ...admin.base import SecuredView
from ...services import dashboard


class DashboardView(SecuredView):

    @expose("/")
    def index(self):
        return self.render("review/dashboard.html", d=dashboard.dashboard(current_user.org))
