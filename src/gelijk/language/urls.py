app_name = "language"

urlpatterns: list = []
