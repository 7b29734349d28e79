"""The app loads in real Chromium with no error on its default page."""


def test_default_page_loads_without_error(open_app):
    pg = open_app()
    assert pg.locator("[data-testid=stException]").count() == 0
    assert pg.locator("[data-testid=stAlertContentError]").count() == 0
    assert pg.locator(".js-plotly-plot").count() >= 4
    assert pg.js_errors == []
    assert pg.shot("explore-default").exists()
