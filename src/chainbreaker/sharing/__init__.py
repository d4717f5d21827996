"""NGO-bank information sharing (Key 25) by commutative blinding; threat model in docs/sharing.md."""
