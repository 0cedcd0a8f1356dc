"""Electronic signatures: QA approval bound to the exact bytes of an object or a release.

S1000D objects have no place for a signature, so every signature is detached (W3C XMLDSig, made and
checked with signxml): `<object>.xsig` beside the object, or a signed release manifest listing the
SHA-256 of every delivered file. The viewer asks `signature_status(path)` for the badge of a module.
"""

from ietm.sign.verify import signature_status

__all__ = ["signature_status"]
