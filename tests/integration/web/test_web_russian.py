"""A Russian browser (or ``?lang=ru``) gets the pages in Russian."""

from __future__ import annotations

import httpx
from web_support import Seeded


async def test_accept_language_ru_gives_russian_pages(client: httpx.AsyncClient, seeded: Seeded) -> None:
    board = await client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert board.status_code == 200
    assert '<html lang="ru">' in board.text and "Рейтинг" in board.text and "Игрок" in board.text
    assert 'hreflang="ru"' in board.text and "Русский" in board.text  # the switcher lists it
    match = await client.get(f"/matches/{seeded.matches[0]}", headers={"Accept-Language": "ru"})
    assert "Матч #" in match.text
    missing = await client.get("/players/aaaaaaaaaaaaa", headers={"Accept-Language": "ru"})
    assert missing.status_code == 404 and "По этому адресу ничего нет." in missing.text


async def test_the_switcher_picks_russian_and_remembers_it(client: httpx.AsyncClient, seeded: Seeded) -> None:
    switched = await client.get("/?lang=ru", headers={"Accept-Language": "ko"})
    assert '<html lang="ru">' in switched.text and switched.cookies.get("lang") == "ru"
    remembered = await client.get("/", headers={"Accept-Language": "ko"})
    assert '<html lang="ru">' in remembered.text
