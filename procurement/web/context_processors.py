from django.conf import settings

from procurement.web.navigation import menus_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    path = request.path
    menus = [(menu, menu.is_current(path)) for menu in menus_for(user)]
    return {"menus": menus, "platform_name": settings.PLATFORM_NAME}
