"""The Administrative Approval Service Bureau (市行政审批服务局): the project record and its lifecycle."""
