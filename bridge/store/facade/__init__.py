"""The Store's methods by area, one class each, put together as ``Store`` in bridge/store/store.py.

Each method is one call of one SQL module beside this package (outbox, holds, review...) in
one transaction; ``base`` holds the connection, its lock and the transactions they all share.
"""
