"""What every use case takes: one database, one catalogue, who is acting, and the models of the people.

Every use case is a function of a Context and what the person chose. Only the use cases call
strain.storage's query modules, and every one of their calls is filtered by the acting actor. Reads are bounded by
what a page shows, so a person with ten years of history gets their pages as fast as one with a
month. Day totals are kept in the database with the model version they were computed under (see
strain.usecases.scoring).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from sqlalchemy.engine import Engine

from strain.domain.actor import OWNER, Actor
from strain.domain.catalogue import Catalogue
from strain.domain.model import Model
from strain.storage import day_store
from strain.storage.people_store import PersonInfo


class Context:
    """The use cases' view of one database and one catalogue, for one actor."""

    def __init__(self, engine: Engine, catalogue: Catalogue, actor: Actor = OWNER):
        self.engine = engine
        self.catalogue = catalogue
        self.actor = actor  # whose view of the patients this is: every store call is filtered by it
        self.default_model = Model(catalogue)  # the model of everyone without weights of their own

    def acting_as(self, actor: Actor) -> Context:
        """The same context for another actor (cheap: engine, catalogue and default model are shared)."""
        other = copy.copy(self)
        other.actor = actor
        return other

    def person_model(self, person: PersonInfo) -> Model:
        """The catalogue with this person's weight overrides applied."""
        overrides = day_store.get_override_values(engine=self.engine, actor=self.actor, person_id=person.id)
        return Model(self.catalogue, overrides) if overrides else self.default_model

    def models(self, person_ids: Iterable[int] | None = None) -> dict[int, Model]:
        """Each person's model (everyone's with overrides when `person_ids` is None)."""
        ids = None if person_ids is None else [int(person_id) for person_id in person_ids]
        overrides = day_store.get_all_overrides(engine=self.engine, actor=self.actor, person_ids=ids)
        models = {person_id: Model(self.catalogue, values) for person_id, values in overrides.items()}
        return models if ids is None else {person_id: models.get(person_id, self.default_model) for person_id in ids}
