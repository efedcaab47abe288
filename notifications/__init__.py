"""Messages: digests and event reminders decided per round (``digests``), sent through the outbox by e-mail
or a DingTalk / WeCom group robot (``channels``), each computed in its owner's scope."""
