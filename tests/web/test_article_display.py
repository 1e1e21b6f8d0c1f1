"""The article page shows the scraped text the way the site does: section
subheadings as headings, the scraper's ASCII punctuation full-width."""

SEED = "2021-10-01-menghai-sanzhua-sancu-dangjian-genji.txt"


def test_article_page_shows_subheadings_and_full_width_punctuation(client):
    page = client.get(f"/article/{SEED}").get_data(as_text=True)
    headings = [
        "抓党建促中心工作建强制度机制",
        "抓党建促强边固防维护边境安全",
        "抓党建促乡村振兴引领富民兴边",
        "抓党建促基层治理建设和谐边疆",
    ]
    assert [h for h in headings if f'<h2 class="article-subheading">{h}</h2>' in page] == headings
    assert "<p>编者按：</p>" in page
    assert (
        '<h1 class="article-title">【西双版纳州实施“三抓三促”强化千里边疆党建长廊】'
        "（之三）勐海县：筑牢党建根基 推动边疆发展</h1>"
    ) in page
