"""View models: a URL query and a reader's ``Scope`` → what a view says (rows, figures' data, case lists,
sentences), the same for the web pages, the exports and the notifications that consume it.

Nothing here reads the logged-in user: the consumer passes the reader's scope.
"""
