from tests.ui.conftest import unlock_home, screen_text

async def test_smoke(app):
    async with app.run_test(size=(120, 40)) as pilot:
        print(screen_text(app))
        await unlock_home(pilot)
        print(screen_text(app))
