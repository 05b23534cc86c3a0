import re
from pathlib import Path

from django.apps import apps
from django.contrib import admin

REPO = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_settings_read():
    source = (REPO / "helpdesk" / "settings" / "base.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|url)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (REPO / ".env.example").read_text(), flags=re.MULTILINE))

    assert read, "the settings read no variables: the pattern above is out of date"
    assert read - documented == set()


def test_every_model_of_the_project_is_in_admin():
    project_apps = {"helpdesk", "customers", "logistics", "returns", "tickets", "analytics"}
    models = {
        model
        for model in apps.get_models()
        if model._meta.app_label in project_apps and not model._meta.auto_created
    }

    assert models - set(admin.site._registry) == set()
