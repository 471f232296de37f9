"""The site's search finds the deck's slides; the lecture's chapters as a WebVTT chapters track."""

from tests.factories import LectureFactory, MaterialFactory, _content_file, _sample_pptx


def test_the_site_search_finds_a_word_only_in_a_slides_speaker_notes(reader_client, small_tree):
    MaterialFactory(
        file=_content_file(
            _sample_pptx(
                (("Välkommen", "Inled med frågan."), ("Röda tråden", "Berätta om Kvarnholmen först."))
            ),
            "deck.pptx",
        )
    )
    page = reader_client.get("/search/", {"q": "kvarnholmen"}).content.decode()
    assert "Slides of the dialogue material" in page
    assert 'href="/dialogue/#slide-2"' in page and "Slide 2: Röda tråden" in page
    assert "Kvarnholmen" in page  # the excerpt shows why the slide was found
    assert 'href="/dialogue/#slide-1"' not in page
    assert (
        "Slides of the dialogue material"
        not in reader_client.get("/search/", {"q": "finnsinte"}).content.decode()
    )


def test_the_search_reads_only_the_current_deck(reader_client, small_tree):
    MaterialFactory(file=_content_file(_sample_pptx((("Gammal", "Kvarnholmen"),)), "old.pptx"))
    MaterialFactory(file=_content_file(_sample_pptx((("Ny", "Inget här"),)), "new.pptx"))
    assert "#slide-1" not in reader_client.get("/search/", {"q": "kvarnholmen"}).content.decode()


def test_chapters_are_offered_as_a_webvtt_chapters_track(reader_client, db):
    lecture = LectureFactory(
        chapters=[(0, "Inledning"), (16, "Vad betyder det för oss?"), (3725, "Avslutning")]
    )
    page = reader_client.get("/dialogue/").content.decode()
    url = f"/dialogue/lectures/{lecture.pk}/chapters.vtt"
    assert f'<track kind="chapters" src="{url}"' in page
    response = reader_client.get(url)
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    lines = response.content.decode().split("\n")
    assert lines[0] == "WEBVTT"
    assert "00:00:00.000 --> 00:00:16.000" in lines and "Inledning" in lines
    assert "00:00:16.000 --> 01:02:05.000" in lines and "01:02:05.000 --> 99:59:59.000" in lines
    assert reader_client.get("/dialogue/lectures/999/chapters.vtt").status_code == 404
