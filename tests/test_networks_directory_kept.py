"""A process keeps what each directory search asks (netapp/kept_forms.py ``kept_search``): the
same query string is checked again as soon as the lists it is checked against change."""
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority
from tests.factories import make_user
from tests.profile_helpers import council, give_profile, load_reference


def test_a_council_refused_is_found_once_it_is_added(client, auth, users):
    load_reference()
    auth.login(users["other_member"].email)
    new_id = db.session.scalar(sa.select(sa.func.max(LocalAuthority.id))) + 1
    query = f"/networks/members?council={new_id}"
    for _ in range(2):
        response = client.get(query)
        assert response.status_code == 400
        assert "Choose a council from the list." in response.get_data(as_text=True)
    db.session.add(LocalAuthority(id=new_id, name="Newtown",
                                  region_id=council("Leeds").region_id))
    db.session.commit()
    person = make_user(name="Nia Newtown")
    give_profile(person, "Newtown")
    response = client.get(query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose a council" not in html
    assert "Nia Newtown" in html and "1 member<" in html


def test_each_query_string_gets_its_own_search(client, auth, users):
    load_reference()
    for name in ("Ann Apple", "Bob Brook"):
        give_profile(make_user(name=name), "Leeds")
    auth.login(users["other_member"].email)
    for _ in range(2):
        ann = client.get("/networks/members?name=apple").get_data(as_text=True)
        bob = client.get("/networks/members?name=brook").get_data(as_text=True)
        assert "Ann Apple" in ann and "Bob Brook" not in ann
        assert "Bob Brook" in bob and "Ann Apple" not in bob
