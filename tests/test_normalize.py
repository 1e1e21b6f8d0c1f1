import pytest

from indexer.normalize import key_text, key_with_offsets


@pytest.mark.parametrize(
    "text,key",
    [
        ("抓党建,促强边固防", "抓党建促强边固防"),
        ("抓党建，促强边固防", "抓党建促强边固防"),  # full-width comma, as the site writes it
        ("(之三)勐海县:筑牢", "之三勐海县筑牢"),
        ("（之三）勐海县：筑牢", "之三勐海县筑牢"),
        ("GDP 2021年", "gdp 2021年"),
        ("ＧＤＰ　２０２１", "gdp 2021"),  # full-width Latin and digits
        ("5G 网络", "5g网络"),
        ("“三抓三促”", "三抓三促"),
        ("党员+N”网格", "党员n网格"),
        ("  \xa0 ", ""),
    ],
)
def test_key_text(text, key):
    assert key_text(text) == key


def test_offsets_point_at_original_characters():
    text = "抓党建, 促强边固防"
    key, offsets = key_with_offsets(text)
    assert key == "抓党建促强边固防"
    assert [text[i] for i in offsets] == list(key)
