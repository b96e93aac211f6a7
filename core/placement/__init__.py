"""Placing a worker with a customer (上单) before the contract, as 004 lists the steps:
her willingness (意愿) recorded, her profile card (个人资料) sent to the customer, and —
on lines that ask for it — the service agreement (服务协议) she signs with the company
beside the three-party contract. Which line needs which step is its plugin's
``OrderPolicy`` (``sends_profile``, ``profile_needs_willingness``,
``service_agreement``)."""
