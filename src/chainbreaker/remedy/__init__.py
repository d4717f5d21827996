"""Remedy and inclusion (FAST goal 4): grievances, survivor account referrals, exit reviews, restitution.

Built on the case store (`storage`, `cases`), screening's matcher and the engine seam; never on the shells.
"""
