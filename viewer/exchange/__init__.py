"""Exchange with archives: the edition over DTS 1.0 and OAI-PMH 2.0, and its persistent URIs.

`catalogue` reads the texts, the registers and their headers from tei/;
`public` says under which base this server names them; `dts`, `oai` and
`identifiers` (/id/...) are one blueprint each, registered by `viewer.create_app()`.
"""

from . import public
from .dts import dts
from .identifiers import identifiers
from .oai import oai

__all__ = ["dts", "identifiers", "oai", "public"]
