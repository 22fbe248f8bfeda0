"""The coach's service layer: the Workspace façade over one service per aggregate."""
