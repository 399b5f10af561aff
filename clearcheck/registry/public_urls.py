app_name = "registry_public"

urlpatterns: list = []
