"""Exchange with archives: the edition over DTS 1.0 and OAI-PMH 2.0.

`catalogue` reads the texts and their headers from tei/; `dts` and `oai` are
one blueprint each, registered by `viewer.create_app()`.
"""

from .dts import dts
from .oai import oai

__all__ = ["dts", "oai"]
