from goals.followup.kolada.client import KoladaClient, KoladaError, KpiData, KpiValue

__all__ = ["KoladaClient", "KoladaError", "KpiData", "KpiValue"]
