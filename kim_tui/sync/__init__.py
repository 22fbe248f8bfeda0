"""Bundle protocol and the coach's export (and, until it moves, the coordinator side)."""
