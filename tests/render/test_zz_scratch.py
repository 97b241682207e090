from datetime import timedelta
from strain.render import handout
from strain.usecases import printouts
from strain.storage import day_store
from strain.domain.actor import OWNER
from tests.helpers import entries
from tests.render.test_handout import *  # noqa


def test_dump(service, zoe):
    (__import__("pathlib").Path("/tmp/pp/h.pdf")).write_bytes(handout.handout_pdf(printouts.handout(service, zoe, TODAY - timedelta(days=27), TODAY, TODAY)))
    typical = entries(("sit_down_chair", 9), ("socks_shoes", 4), ("weeding", 30), ("car_sitting", 40), day=TODAY)
    day_store.save_template(engine=service.engine, actor=OWNER, person_id=zoe.id, entries=typical)
    (__import__("pathlib").Path("/tmp/pp/c.pdf")).write_bytes(handout.card_pdf(printouts.card(service, zoe, TODAY)))
