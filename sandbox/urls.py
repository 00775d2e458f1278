from sandbox import urls_publish, urls_sandbox

app_name = "sandbox"
urlpatterns = urls_sandbox.urlpatterns + urls_publish.urlpatterns
