from django.conf import settings

from procurement.web.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"navigation": navigation_for(user), "platform_name": settings.PLATFORM_NAME}
