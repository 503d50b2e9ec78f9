"""The Finance Bureau (市财政局): budget review, fund plans, disbursement, settlement, sanctions."""
